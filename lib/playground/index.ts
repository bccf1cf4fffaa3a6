// The playground's server (entry `modeflow/playground`): `modeflow ui` in code.
export { startPlayground, PlaygroundError, type Playground, type PlaygroundOptions } from './start-playground.ts';
