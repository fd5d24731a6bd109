#!/usr/bin/env python3
"""Writes the hostile scenario inputs of this directory (tests/data/hostile/).

Not typos (those are in ../bad/) but input meant to crash, hang or exhaust
the loader: binary garbage, NUL bytes, broken UTF-8, deep nesting, alias
bombs, huge strings and numbers, odd YAML features. Each must be refused with
exit 2 and "FILE:LINE:COLUMN: message", in under 2 s and 200 MB
(tests/integration/test_hostile_inputs.sh, tests/unit/scenario/
test_hostile_scenarios.cpp; the fuzzer uses them as seeds).

Expectation, as in ../bad/: "# expect: LINE:COLUMN: substring" as the first
line; where a first-line comment is impossible or would change the test
(binary, BOM, empty, CR-only files) it is in a sidecar FILE.expect holding
"LINE:COLUMN: substring". The character ⟦ marks the expected position.
Inputs too large to commit (100 MB, 8 MB strings, /dev/zero, a directory)
are made at test time by the tests. Run: python3 generate.py
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = open(os.path.join(HERE, '..', 'good', 'small_with_variants.yaml')).read()
M = '⟦'

cases = []


def case(name, text, msg, sidecar=False):
    """text: str; ⟦ marks the position; lone surrogates \\udcXX are raw bytes
    XX; for names binary_*, code points below 256 are raw bytes."""
    cases.append((name, text, msg, sidecar))


def sub(old, new):
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


# --- bytes that are not text
rng = random.Random(6)
garbage = bytes(rng.randrange(256) for _ in range(4096))
case('binary_random', '⟦' + garbage.decode('latin-1'), 'not valid UTF-8 (byte 0xF8)', sidecar=True)
case('binary_nul_only', '⟦' + '\x00' * 1024, 'control character 0x00', sidecar=True)
case('binary_elf_header', '⟦\x7fELF\x02\x01\x01\x00' + '\x00' * 56, 'control character 0x7F', sidecar=True)
case('binary_gzip', '⟦\x1f\x8b\x08\x00' + garbage[:200].decode('latin-1'), 'control character 0x1F', sidecar=True)
case('binary_hdf5_signature', '⟦\x89HDF\r\n\x1a\n' + '\x00' * 64, 'not valid UTF-8', sidecar=True)
case('nul_in_value', sub('name: bad\n', 'name: ba⟦\x00d\n'), 'control character 0x00')
case('nul_in_comment', sub('name: bad\n', 'name: bad # a ⟦\x00 comment\n'), 'control character 0x00')
case('escape_char', sub('name: bad\n', 'name: bad\ndescription: "⟦\x1b[31mred"\n'), 'control character 0x1B')
case('del_char', sub('name: bad\n', 'name: bad\ndescription: x⟦\x7f\n'), 'control character 0x7F')
case('nul_escape_in_name', sub('{name: awareness, dropout: 0.02}', '{name: ⟦"aware\\0ness", dropout: 0.02}'), 'stage name')

# --- broken UTF-8 (surrogateescape: \udcXX is the raw byte XX)
case('utf8_latin1', sub('name: bad\n', 'name: bad\ndescription: caf⟦\udce9\n'), 'not valid UTF-8 (byte 0xE9)')
case('utf8_overlong_slash', sub('name: bad\n', 'name: bad\ndescription: a⟦\udcc0\udcafb\n'), 'not valid UTF-8 (byte 0xC0)')
case('utf8_surrogate', sub('name: bad\n', 'name: bad\ndescription: a⟦\udced\udca0\udc80b\n'), 'not valid UTF-8 (byte 0xED)')
case('utf8_beyond_max', sub('name: bad\n', 'name: bad\ndescription: a⟦\udcf4\udc90\udc80\udc80\n'), 'not valid UTF-8 (byte 0xF4)')
case('utf8_lone_continuation', sub('name: bad\n', 'name: bad\ndescription: a⟦\udc80\n'), 'not valid UTF-8 (byte 0x80)')
case('utf8_truncated_at_end', BASE + 'x⟦\udce2\udc82', 'not valid UTF-8 (byte 0xE2)')
case('utf8_in_key', sub('name: bad\n', 'name: bad\n⟦\udcffkey: 1\n'), 'not valid UTF-8 (byte 0xFF)')
case('utf16_le_bom', '⟦\udcff\udcfen\x00a\x00m\x00e\x00', 'not valid UTF-8 (byte 0xFF)', sidecar=True)

# --- byte order mark, line ends, whitespace
case('bom_then_typo', '\ufeff' + sub('name: bad\n', 'name: bad\n⟦horizon_day: 90\n'), "unknown key 'horizon_day'", sidecar=True)
case('bom_in_key', sub('name: bad\n', 'name: bad\n⟦\ufeffhorizon_days: 90\n'), "unknown key", )
case('crlf_with_typo', sub('name: bad\n', 'name: bad\n⟦horizon_day: 90\n').replace('\n', '\r\n'), "unknown key 'horizon_day'")
case('cr_only_line_ends', ('name: bad\n⟦horizon_day: 90\n' + BASE[len('name: bad\n'):]).replace('\n', '\r'), 'line ends with a lone CR', sidecar=True)
case('tab_indentation', sub('    share: 0.6\n', '⟦\tshare: 0.6\n'), 'YAML syntax error')
case('empty', '⟦', 'the scenario is empty', sidecar=True)
case('only_comments', '# nothing\n# but comments\n⟦', 'the scenario is empty')
case('only_whitespace', '\n   \n\t\n⟦', 'the scenario is empty', sidecar=True)
case('only_document_markers', '---\n...\n---\n...\n', 'one YAML document')

# --- nesting
case('deep_flow_seq_100k', 'name: bad\nsweep: {x: ' + '[' * 62 + '⟦[' + '[' * 99937 + '\n', 'nesting deeper than 64')
case('deep_flow_map_100k', 'name: bad\nx: ' + '{a: ' * 63 + '⟦{a: ' + '{a: ' * 30000 + '\n', 'nesting deeper than 64')
case('deep_block_map', 'name: bad\n' + ''.join(' ' * i + 'k%d:\n' % i for i in range(63)) + ' ' * 63 + '⟦k63:\n' + ''.join(' ' * i + 'k%d:\n' % i for i in range(64, 200)), 'nesting deeper than 64')
case('deep_block_seq', 'name: bad\nx:\n' + '- ' * 63 + '⟦- ' + '- ' * 500 + '1\n', 'nesting deeper than 64')

# --- aliases
laughs = 'name: bad\nsweep:\n  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
for i in range(1, 10):
    prev, cur = chr(96 + i), chr(97 + i)
    laughs += f'  {cur}: &{cur} [' + ', '.join(['*' + prev] * 10) + ']\n'
case('billion_laughs', laughs.replace('  f: &f [', '  f: &f [⟦', 1), 'scenario too large')
mbomb = 'name: bad\nx:\n  a: &a {k0: v, k1: v, k2: v, k3: v}\n'
for i in range(1, 14):
    prev, cur = chr(96 + i), chr(97 + i)
    mbomb += f'  {cur}: &{cur} {{' + ', '.join(f'k{j}: *{prev}' for j in range(4)) + '}\n'
case('alias_bomb_maps', mbomb, 'scenario too large')  # position filled below
case('alias_undefined', sub('name: bad\n', 'name: bad\nx: ⟦*nowhere\n'), 'YAML syntax error')
case('alias_self_reference', sub('name: bad\n', 'name: bad\nx: &a [1, ⟦*a]\n'), 'refers to the collection that contains it')
case('alias_as_key', sub('name: bad\n', 'name: bad\n⟦x: &k horizon_days\n*k : 90\n'), "unknown key 'x'")
case('merge_key', sub('  - name: p2\n    share: 0.4\n', '  - name: p2\n    ⟦<<: {share: 0.4}\n'), "unknown key '<<'")

# --- huge and odd scalars
case('number_1e400', sub('{name: awareness, dropout: 0.02}', '{name: awareness, dropout: ⟦1e400}'), 'dropout')
case('number_minus_1e400', sub('{name: awareness, dropout: 0.02}', '{name: awareness, dropout: ⟦-1e400}'), 'dropout')
case('number_nan', sub('{name: awareness, dropout: 0.02}', '{name: awareness, dropout: ⟦.nan}'), 'dropout')
case('number_inf', sub('    share: 0.6\n', '    share: ⟦.inf\n'), 'share')
case('number_minus_inf', sub('    mood: 0.1\n', '    mood: ⟦-.inf\n'), 'mood')
case('number_underflow', sub('name: bad\n', 'name: bad\npopulation: ⟦1e-400\n'), 'population')
case('int_huge_seed', sub('name: bad\n', 'name: bad\nseed: ⟦' + '9' * 400 + '\n'), 'seed')
case('int_huge_population', sub('name: bad\n', 'name: bad\npopulation: ⟦' + '9' * 30 + '\n'), 'population')
case('int_hex_horizon', sub('name: bad\n', 'name: bad\nhorizon_days: ⟦0xFFFFFFFFFFFFFFFFFF\n'), 'horizon_days')
case('number_long_mantissa', sub('    share: 0.6\n', '    share: ⟦0.' + '6' * 5000 + 'x\n'), 'share')
case('long_key_100k', sub('name: bad\n', 'name: bad\n⟦' + 'k' * 100000 + ': 1\n'), 'YAML syntax error')
case('long_name_100k', sub('{name: awareness, dropout: 0.02}', '{name: ⟦' + 'a' * 100000 + ', dropout: 0.02}'), 'stage name')
case('long_line_commas', sub('name: bad\n', 'name: bad\n⟦x: [' + ',' * 50000 + ']\n'), "unknown key 'x'")
case('long_key_1000', sub('name: bad\n', 'name: bad\n⟦' + 'k' * 1000 + ': 1\n'), 'unknown key')
# Names may use letters of any script (łowca_okazji), but not characters a
# reader cannot see: escapes, zero-width, bidirectional overrides, C1 controls.
case('name_escape_sequence', sub('{name: awareness, dropout: 0.02}', '{name: ⟦"aware\\e[31mness", dropout: 0.02}'), 'stage name')
case('name_zero_width_space', sub('  - name: p2\n', '  - name: ⟦"low\\u200bca"\n'), 'contains U+200B')
case('name_bidi_override', sub('  - name: p2\n', '  - name: ⟦"\\u202eabc"\n'), 'contains U+202E')
case('name_c1_csi', sub('  - name: p2\n', '  - name: ⟦"a\\x9b31m"\n'), 'contains U+009B')
case('name_nbsp', sub('  - name: p2\n', '  - name: ⟦"łowca\\u00a0okazji"\n'), 'contains U+00A0')
case('name_unicode_then_typo', sub('  - name: p2\n    share: 0.4\n', '  - name: łowca_okazji\n    share: 0.4\n    ⟦shere: 1\n'), "did you mean 'share'")
case('escaped_control_in_key', sub('name: bad\n', 'name: bad\n⟦"k\\e[2J\\a": 1\n'), 'unknown key')
case('many_keys_50k', sub('name: bad\n', 'name: bad\nx: {' + ', '.join(f'k{i}: {i}' for i in range(50000)) + '}\n').replace('name: bad\nx', 'name: bad\n⟦x'), "unknown key 'x'")
case('duplicate_top_key', sub('name: bad\n', 'name: bad\n⟦name: again\n'), "duplicate key 'name'")
case('duplicate_key_flow', sub('{name: awareness, dropout: 0.02}', '{name: awareness, dropout: 0.02, ⟦dropout: 0.5}'), "duplicate key 'dropout'")

# --- YAML features a scenario does not use
case('python_tag', sub('name: bad\n', 'name: bad\nhorizon_days: ⟦!!python/object:os.system "rm -rf /"\n'), 'horizon_days')
case('custom_tag_on_map', sub('personas:\n  - name: p1\n', 'personas: !persona\n  ⟦- name: p1\n'), "YAML tags such as '!persona'")
case('complex_key', sub('name: bad\n', 'name: bad\n? ⟦[a, b]\n: c\n'), 'expected a key name')
case('yaml_directive', '%YAML 1.1\n%TAG ! tag:example.com:\n---\n' + sub('name: bad\n', 'name: bad\n⟦horizon_day: 90\n'), "unknown key 'horizon_day'")
case('unterminated_quote', sub('name: bad\n', '⟦name: "bad\n') + 'x: "\n', "missing required key 'stages'")
case('unterminated_flow', sub('name: bad\n', 'name: bad\nx: [1, 2\n'), 'YAML syntax error')  # position filled below
case('scalar_document', '⟦just a string\n', 'expected a map')
case('sequence_document', '⟦- 1\n- 2\n', 'expected a map')

# ------------------------------------------------------------------ write
# Where yaml-cpp reports a place other than the marker (or there is none),
# POSITIONS gives it (found with `journeysim validate`).
POSITIONS = {
    'binary_random': (1, 2),
    'alias_bomb_maps': (11, 38),
    'deep_block_map': (67, 65),
    'deep_flow_seq_100k': (3, 43),
    'long_key_100k': (3, 100001),
    'only_comments': (1, 1),
    'only_whitespace': (1, 1),
    'only_document_markers': (4, 1),
    'unterminated_flow': (4, 7),
    'custom_tag_on_map': (9, 11),
    'cr_only_line_ends': (1, 10),
}

for f in os.listdir(HERE):
    if f.endswith('.yaml') or f.endswith('.expect'):
        os.remove(os.path.join(HERE, f))
seen = set()
for name, text, msg, sidecar in cases:
    assert name not in seen, name
    seen.add(name)
    if name.startswith('binary'):  # raw bytes as latin-1 code points, marker first
        assert text.startswith(M), name
        pos, b = 0, text[len(M):].encode('latin-1')
    else:
        body = text.encode('utf-8', 'surrogateescape')
        mb = M.encode()
        pos = body.index(mb) if mb in body else None
        assert body.count(mb) <= 1, name
        b = body.replace(mb, b'')
    header = b''
    if not sidecar:
        header = b'# expect: L:C: ' + msg.encode() + b'\n'
        b = header + b
        if pos is not None:
            pos += len(header)
    if pos is not None:
        line = b[:pos].count(b'\n') + 1
        col = pos - (b.rfind(b'\n', 0, pos) + 1) + 1
    else:
        line, col = 0, 0
    line, col = POSITIONS.get(name, (line, col))
    assert line > 0, name
    loc = f'{line}:{col}: '.encode()
    if sidecar:
        open(os.path.join(HERE, name + '.yaml.expect'), 'wb').write(loc + msg.encode() + b'\n')
    else:
        b = b.replace(b'# expect: L:C: ', b'# expect: ' + loc, 1)
    open(os.path.join(HERE, name + '.yaml'), 'wb').write(b)
print(len(cases), 'files')
