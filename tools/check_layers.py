#!/usr/bin/env python3
"""The direction of dependency between the source folders, checked on every build.

Each folder may include only from the folders listed for it (itself and those below it), and nothing below
filters/ may name the parameter machinery (ParamValues, ParamSpec, RunContext): the engine takes typed options.
Prints each violation as FILE:LINE and exits 1; with --stamp FILE writes FILE when all is well (a Meson target).
"""
import argparse
import pathlib
import re
import sys

# Lowest first; pch/ (the precompiled headers: LibTorch and the standard library) is open to all.
ALLOWED = {
    'core': {'core'},
    'models': {'core', 'models'},
    'engine': {'core', 'models', 'engine'},
    'filters': {'core', 'models', 'engine', 'filters'},
    'bench': {'core', 'models', 'engine', 'filters', 'bench'},
    'cli': {'core', 'models', 'filters', 'bench', 'cli'},
    'dialogs': {'core', 'models', 'filters', 'dialogs'},
    'plugin': {'core', 'models', 'filters', 'dialogs', 'plugin'},
    'tests': {'core', 'models', 'engine', 'filters', 'bench', 'dialogs', 'plugin', 'tests'},
    'fuzz': {'core', 'models', 'fuzz'},
    'tools': {'core', 'models', 'filters'},
}
# The parameter machinery of filters/, which the folders below it must not know.
BELOW_FILTERS = {'core', 'models', 'engine'}
PARAM_WORDS = re.compile(r'\b(ParamValues|ParamSpec|RunContext)\b')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def violations(root: pathlib.Path):
    for folder, allowed in ALLOWED.items():
        for path in sorted((root / folder).rglob('*')):
            if path.suffix not in ('.h', '.cc', '.in') or 'fixtures' in path.relative_to(root).parts:
                continue
            for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
                where = f'{path.relative_to(root)}:{number}'
                m = INCLUDE.match(line)
                if m and (root / m.group(1)).is_dir() and m.group(1) not in allowed | {'pch'}:
                    yield f'{where}: {folder}/ may not include {m.group(1)}/ ({line.strip()})'
                if folder in BELOW_FILTERS and PARAM_WORDS.search(line.split('//')[0]):
                    yield f'{where}: {folder}/ is below filters/ and may not name {PARAM_WORDS.search(line).group(1)}'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('root', type=pathlib.Path)
    parser.add_argument('--stamp', type=pathlib.Path)
    args = parser.parse_args()
    found = list(violations(args.root))
    for v in found:
        print(v, file=sys.stderr)
    if found:
        print(f'{len(found)} violation(s) of the direction of dependency (tools/check_layers.py, '
              'docs/architecture.md)', file=sys.stderr)
        return 1
    if args.stamp:
        args.stamp.write_text('ok\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
