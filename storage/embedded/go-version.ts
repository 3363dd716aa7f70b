/** FerretDB 1.24's go.mod says `go 1.24`: an older Go refuses to build it (or tries to download a toolchain). */
export const GO_MINIMUM: readonly [number, number] = [1, 24];

/** `go version go1.26.8 linux/amd64` → [1, 26]; undefined when the line does not say. */
export function parseGoVersion(line: string): readonly [number, number] | undefined {
  const m = /\bgo(\d+)\.(\d+)/.exec(line);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Null when `line` (the output of `go version`) is new enough; else the exact sentence of what to do. */
export function goVersionProblem(line: string): string | null {
  const v = parseGoVersion(line);
  const [major, minor] = GO_MINIMUM;
  if (v && (v[0] > major || (v[0] === major && v[1] >= minor))) return null;
  return (
    `Go ${major}.${minor} or newer is needed to build FerretDB 1.24, found "${line.trim() || 'no version'}". ` +
    `Install Go ${major}.${minor}+ (Debian bookworm's golang-go is 1.19: take golang-${major}.${minor}-go from bookworm-backports and put ` +
    `/usr/lib/go-${major}.${minor}/bin first on PATH, or the official Go release), or install mongod, or set MONGODB_URI.`
  );
}
