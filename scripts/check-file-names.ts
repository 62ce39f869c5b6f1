/**
 * `npm run lint` runs this: no two source files of src/ share a name (the extension aside, so `status.ts` and
 * `status.tsx` are one name), so a name found in a stack trace, a search or a review names one file. Prints each
 * shared name with its files and exits 1. test/node/file-names.test.ts shows it failing on a fixture.
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'

const SOURCE = /\.(ts|tsx)$/

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(file)
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : []
  })
}

/** Names shared by more than one source file under `root`, each with its files (relative to `root`), sorted. */
export function sharedFileNames(root: string): Record<string, string[]> {
  const byName = new Map<string, string[]>()
  for (const file of sourceFiles(root)) {
    const name = path.basename(file).replace(SOURCE, '')
    byName.set(name, [...(byName.get(name) ?? []), path.relative(root, file).split(path.sep).join('/')])
  }
  const shared = [...byName].filter(([, files]) => files.length > 1).sort(([a], [b]) => a.localeCompare(b))
  return Object.fromEntries(shared.map(([name, files]) => [name, files.sort()]))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = process.argv[2] ?? 'src'
  const shared = Object.entries(sharedFileNames(root))
  for (const [name, files] of shared) console.error(`${root}: "${name}" names ${files.length} files: ${files.join(', ')}`)
  if (shared.length) {
    console.error('Give each a name that says what it is (README "Where things live" has the naming of each folder).')
    process.exit(1)
  }
}
