// `madoguchi config check`: the effective configuration, each value with where it came
// from (default.yaml, local.yaml, or an environment variable), secrets masked (issue 10).
import { ConfigError, describeConfig, loadConfigWithSources } from '../config.ts';

/** sysexits EX_CONFIG: the configuration is wrong. */
export const EX_CONFIG = 78;

export function runConfigCheck(out: (s: string) => void, err: (s: string) => void, root = process.cwd(), env: NodeJS.ProcessEnv = process.env): number {
  try {
    const loaded = loadConfigWithSources(root, env);
    for (const line of describeConfig(loaded)) out(line);
    out('configuration ok');
    return 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const line of e.message.split('\n')) err(`madoguchi: configuration: ${line}`);
    return EX_CONFIG;
  }
}
