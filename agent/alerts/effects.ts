/**
 * What one alerting step changes: journal operations (applied with the
 * engine's state in one record), then, once that record is durable, push
 * messages and deliveries to start. Nothing is sent before it is journaled,
 * so a crash can neither send twice what the state says was sent, nor lose
 * what it says is owed.
 */
import type { DeliveryView, PushMessage } from '../api/types';
import type { AlertingOp } from '../store/alerting-apply';

export class Effects {
  readonly ops: AlertingOp[] = [];
  readonly pushes: PushMessage[] = [];
  readonly deliveries: { delivery: DeliveryView; payload: string }[] = [];
  /** The engine's or dispatcher's state changed and must be saved. */
  stateChanged = false;

  get empty(): boolean {
    return !this.stateChanged && this.ops.length === 0 && this.pushes.length === 0;
  }
}
