import type * as vscode from 'vscode';
import type { Actions, Endpoints, Health, MetricEndpoints, PushMessage } from '../../agent/api/types';

/** Every GET endpoint of the agent, the metric queries included. */
export type AgentEndpoints = Endpoints & MetricEndpoints;

/** What the extension knows about its agent at any moment. */
export type ConnectionState =
  | { kind: 'noAgent' }
  | { kind: 'starting' }
  | { kind: 'connected'; health: Health }
  | { kind: 'unreachable'; message: string; retryInMs: number };

/**
 * The one way views, commands and the dashboard reach the agent. The
 * implementation (`client.ts`) finds the agent through its discovery file,
 * holds the push stream open and reconnects with backoff.
 */
export interface AgentConnection extends vscode.Disposable {
  readonly state: ConnectionState;
  readonly onDidChangeState: vscode.Event<ConnectionState>;
  readonly onDidPush: vscode.Event<PushMessage>;
  get<P extends keyof AgentEndpoints>(
    path: P,
    query?: AgentEndpoints[P]['query'],
    params?: Record<string, string>,
  ): Promise<AgentEndpoints[P]['response']>;
  post<P extends keyof Actions>(path: P, body: Actions[P]['body'], params?: Record<string, string>): Promise<Actions[P]['response']>;
}
