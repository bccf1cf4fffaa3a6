/**
 * The launchpad's session per pipeline, as Dagit keeps it: mode, preset, run-config text,
 * selection and tags. Kept in localStorage, so a reload (or a day later) finds the config
 * where it was left.
 */
import { stringify } from 'yaml';
import type { ModeInfo, PresetInfo } from '../api/types.ts';

export interface Session {
  readonly mode: string;
  /** The preset last picked; editing after it is allowed. */
  readonly preset: string | undefined;
  readonly yaml: string;
  /** The selection query; `*` or blank selects everything. */
  readonly select: string;
  readonly tags: Readonly<Record<string, string>>;
}

const KEY = 'modeflow.playground.session.';

/** The stored session of a pipeline, with a mode it has (the first when none is stored: Dagster's rule). */
export function loadSession(pipeline: string, modes: readonly ModeInfo[]): Session {
  const first = modes[0]?.name ?? 'default';
  let stored: Partial<Session> = {};
  try {
    stored = JSON.parse(localStorage.getItem(KEY + pipeline) ?? '{}') as Partial<Session>;
  } catch {
    stored = {};
  }
  const mode = typeof stored.mode === 'string' && modes.some((m) => m.name === stored.mode) ? stored.mode : first;
  return {
    mode,
    preset: typeof stored.preset === 'string' ? stored.preset : undefined,
    yaml: typeof stored.yaml === 'string' ? stored.yaml : '',
    select: typeof stored.select === 'string' ? stored.select : '*',
    tags: stored.tags && typeof stored.tags === 'object' ? stored.tags : {},
  };
}

export function saveSession(pipeline: string, session: Session): void {
  try {
    localStorage.setItem(KEY + pipeline, JSON.stringify(session));
  } catch {
    // storage full or disabled: the session lives for this page only
  }
}

/** The run-config text of a preset, when the server sent its config. */
export function presetYaml(preset: PresetInfo): string | undefined {
  if (typeof preset.runConfigYaml === 'string') return preset.runConfigYaml;
  if (preset.runConfig === undefined) return undefined;
  const config = preset.runConfig;
  if (config === null || (typeof config === 'object' && Object.keys(config).length === 0))
    return `# preset ${preset.name}: no run config\n`;
  return `# preset ${preset.name}\n${stringify(config, { lineWidth: 0 })}`;
}

/**
 * The session after picking a preset (Dagster 132): its mode, its config, its selection (`*`
 * when it has none) and its tags over the ones set.
 */
export function withPreset(session: Session, preset: PresetInfo): Session {
  const tags: Record<string, string> = { ...session.tags };
  for (const [k, v] of Object.entries(preset.tags ?? {})) tags[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return {
    mode: preset.mode,
    preset: preset.name,
    yaml: presetYaml(preset) ?? `# preset ${preset.name}: its run config is applied at launch\n`,
    select: preset.select ?? '*',
    tags,
  };
}

/** True while the session is still exactly what the preset set (then a launch names the preset). */
export function isPristinePreset(session: Session, preset: PresetInfo | undefined): boolean {
  if (!preset || session.preset !== preset.name) return false;
  return session.mode === preset.mode && session.yaml === withPreset(session, preset).yaml && session.select === (preset.select ?? '*');
}
