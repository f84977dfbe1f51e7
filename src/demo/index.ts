// The live demo's public face: the demo backend (also `geofailover demo-backend`), the generated demo
// config, and runDemo (behind `geofailover demo` / `npm start`).
export {
  BACKEND_MODES,
  type BackendMode,
  DemoBackend,
  type DemoBackendOptions,
  startDemoBackend,
} from './backend.ts';
export { demoBanner } from './banner.ts';
export { type ChildExit, ChildGroup, type ChildSpec } from './children.ts';
export {
  type BackendTarget,
  DEMO_LAYOUT,
  DEMO_OWNER,
  DEMO_PROBERS,
  DEMO_TOKEN_ENV,
  DEMO_ZONE,
  type DemoConfigOptions,
  type DemoRegionLayout,
  demoConfig,
  demoConfigYaml,
  demoSecrets,
  proberKeyEnv,
} from './config.ts';
export { type DemoOptions, type RunningDemo, runDemo } from './demo.ts';
export { type PortChoice, pickDnsPort, pickTcpPort } from './ports.ts';
export { type DemoRoute, demoRoutes } from './routes.ts';
export { waitForStopSignal } from './signals.ts';
export { statusChanges } from './watch.ts';
