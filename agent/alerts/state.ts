/**
 * The life of one alert, as Prometheus runs it: a condition that holds moves
 * an alert from inactive to pending, and after `for` to firing; one that
 * stops holding resolves it, but only after `keepFiringFor` without it. Pure:
 * the caller brings the clock, so flapping input can be replayed in tests.
 */

export type AlertPhase = 'inactive' | 'pending' | 'firing';

export interface AlertTiming {
  /** How long the condition must hold before the alert fires (ms). */
  forMs: number;
  /** How long a firing alert stays firing after the condition stops holding (ms). */
  keepFiringForMs: number;
}

export interface AlertState {
  phase: AlertPhase;
  /** When the condition started holding (pending or firing), else null. */
  activeAt: number | null;
  firedAt: number | null;
  /** Last evaluation at which the condition held. */
  lastTrueAt: number | null;
  /** The figure that made it hold, last time it did. */
  value: number | null;
  /** While firing on `keepFiringFor`: the first evaluation at which the condition no longer held. */
  keepFiringSince: number | null;
}

export type Transition = { kind: 'pending' } | { kind: 'firing' } | { kind: 'resolved'; firedAt: number } | { kind: 'cleared' };

export const INACTIVE: AlertState = { phase: 'inactive', activeAt: null, firedAt: null, lastTrueAt: null, value: null, keepFiringSince: null };

/** One evaluation: the next state and what happened (notifications come from `firing` and `resolved` only). */
export function step(state: AlertState, holds: boolean, value: number | null, now: number, timing: AlertTiming): { state: AlertState; transition: Transition | null } {
  if (holds) {
    switch (state.phase) {
      case 'inactive': {
        const next: AlertState = { ...INACTIVE, phase: 'pending', activeAt: now, lastTrueAt: now, value };
        if (timing.forMs <= 0) return { state: { ...next, phase: 'firing', firedAt: now }, transition: { kind: 'firing' } };
        return { state: next, transition: { kind: 'pending' } };
      }
      case 'pending':
        if (now - (state.activeAt ?? now) >= timing.forMs) {
          return { state: { ...state, phase: 'firing', firedAt: now, lastTrueAt: now, value }, transition: { kind: 'firing' } };
        }
        return { state: { ...state, lastTrueAt: now, value }, transition: null };
      case 'firing':
        return { state: { ...state, lastTrueAt: now, value, keepFiringSince: null }, transition: null };
    }
  }
  switch (state.phase) {
    case 'inactive':
      return { state, transition: null };
    case 'pending':
      return { state: INACTIVE, transition: { kind: 'cleared' } };
    case 'firing': {
      // As Prometheus: counted from the first evaluation without the condition.
      const since = state.keepFiringSince ?? now;
      if (now - since < timing.keepFiringForMs) return { state: { ...state, keepFiringSince: since }, transition: null };
      return { state: INACTIVE, transition: { kind: 'resolved', firedAt: state.firedAt ?? now } };
    }
  }
}
