/**
 * Loads the protobuf module on first use. In the bundled agent the build
 * points `./proto` at `dist/otlp-proto.js`, a bundle of its own, so starting
 * the agent and serving OTLP/JSON never parse it (scripts/build.mjs).
 */
import type * as Proto from './proto';

let proto: typeof Proto | null = null;

export function loadProto(): typeof Proto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  proto ??= require('./proto') as typeof Proto;
  return proto;
}
