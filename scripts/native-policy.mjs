// When the native backend must exist. A user without a compiler still gets the TypeScript
// fallback; but where the addon is required (TEGAKI_REQUIRE_NATIVE=1, as CI sets it) or can be
// built (a C++ compiler, make and Python are on the PATH, and TEGAKI_SKIP_NATIVE is not set), a
// build that fails or an addon that does not load is an error, not a quiet fallback.

import { spawnSync } from 'node:child_process';

/** Whether a command runs (found on the PATH and answers --version). */
export function hasCommand(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The C++ toolchain node-gyp needs. */
export function toolchainPresent(env = process.env, has = hasCommand) {
  const cxx = env.CXX || 'c++';
  return has(cxx) && has('make') && (has('python3') || has('python'));
}

/** Must the build succeed? Only when asked to, explicitly. */
export function buildRequired(env = process.env) {
  return env.TEGAKI_REQUIRE_NATIVE === '1';
}

/** Must the tests find the addon loaded? When required, or when it could have been built. */
export function testsRequireNative(env = process.env, has = hasCommand) {
  if (env.TEGAKI_REQUIRE_NATIVE === '1') return true;
  if (env.TEGAKI_REQUIRE_NATIVE === '0' || env.TEGAKI_SKIP_NATIVE) return false;
  return toolchainPresent(env, has);
}
