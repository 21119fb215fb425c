#!/usr/bin/env python3
"""Builds accord's gazetteer lists and the C file that embeds them.

    python3 data/gazetteer/build.py [WIKIANN_DIR]

Inputs (see README.md beside this file for sources and licences):
  - WikiANN English (train, dev, test), default ../shared/data/wikiann-en:
    entity spans and token statistics (CC BY-SA, derived from Wikipedia);
  - Debian's iso-codes (ISO 3166-1 countries, ISO 3166-2 subdivisions);
  - the hand-written lists in this folder (*.txt).
Outputs: wikiann-names.tsv, wikiann-tokens.tsv, iso-places.txt here, and
src/extract/gazetteer_data.c, which compiles them into the library.
"""
import collections, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
wdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, '..', 'shared', 'data', 'wikiann-en')

def wikiann():
    spans = collections.defaultdict(collections.Counter)
    toks = collections.defaultdict(collections.Counter)
    for part in ('train', 'dev', 'test'):
        path = os.path.join(wdir, part + '.txt')
        if not os.path.exists(path):
            continue
        cur, typ = [], None
        def flush():
            nonlocal cur, typ
            if cur:
                spans[' '.join(cur)][typ] += 1
            cur, typ = [], None
        for line in open(path, encoding='utf-8'):
            line = line.rstrip('\n')
            if not line:
                flush(); continue
            w, t = line.rsplit('\t', 1)
            if w.startswith('en:'):
                w = w[3:]
            if not w or '\t' in w or ' ' in w:
                flush(); continue
            if t.startswith('B-'):
                flush(); cur, typ = [w], t[2:]
                toks[w]['B' + t[2:]] += 1
            elif t.startswith('I-') and cur:
                cur.append(w)
                toks[w]['I' + t[2:]] += 1
            else:
                flush()
                toks[w]['O'] += 1
        flush()
    return spans, toks

def main():
    spans, toks = wikiann()
    if not spans:
        sys.exit('build.py: no WikiANN data in ' + wdir)
    with open(os.path.join(here, 'wikiann-names.tsv'), 'w', encoding='utf-8') as f:
        for name in sorted(spans):
            c = spans[name]
            typ, n = c.most_common(1)[0]
            total = sum(c.values())
            if n * 10 < total * 6 or len(name) < 2 or len(name) > 80:
                continue
            if not any(ch.isupper() for ch in name):
                continue
            f.write('%s\t%s\t%d\n' % (name, typ, n))
    keys = ['BPER', 'IPER', 'BORG', 'IORG', 'BLOC', 'ILOC', 'O']
    with open(os.path.join(here, 'wikiann-tokens.tsv'), 'w', encoding='utf-8') as f:
        for w in sorted(toks):
            c = toks[w]
            total = sum(c.values())
            if total < 2 or len(w) > 40:
                continue
            if not w[0].isalpha():
                continue
            f.write(w + '\t' + ' '.join(str(c[k]) for k in keys) + '\n')
    iso = '/usr/share/iso-codes/json'
    places = set()
    countries = set()
    for e in json.load(open(os.path.join(iso, 'iso_3166-1.json')))['3166-1']:
        for k in ('name', 'common_name', 'official_name'):
            if k in e:
                places.add(e[k])
                countries.add(e[k])
    with open(os.path.join(here, 'iso-countries.txt'), 'w', encoding='utf-8') as f:
        for p in sorted(countries):
            f.write(p + '\n')
    for e in json.load(open(os.path.join(iso, 'iso_3166-2.json')))['3166-2']:
        n = e['name']
        if '(' in n or ',' in n:
            continue
        places.add(n)
    with open(os.path.join(here, 'iso-places.txt'), 'w', encoding='utf-8') as f:
        for p in sorted(places):
            f.write(p + '\n')
    dict_path = '/usr/share/dict/american-english'
    if os.path.exists(dict_path):
        low, proper = set(), set()
        for w in open(dict_path, encoding='utf-8'):
            w = w.strip()
            if not w or "'" in w:
                continue
            (low if w[0].islower() else proper).add(w)
        with open(os.path.join(here, 'english-words.txt'), 'w', encoding='utf-8') as f:
            for w in sorted(low):
                f.write(w + '\n')
        with open(os.path.join(here, 'english-proper.txt'), 'w', encoding='utf-8') as f:
            for w in sorted(proper):
                f.write(w + '\n')
    lists = [('english_words', 'english-words.txt'), ('english_proper', 'english-proper.txt'),('wikiann_names', 'wikiann-names.tsv'), ('wikiann_tokens', 'wikiann-tokens.tsv'),
             ('iso_places', 'iso-places.txt'), ('iso_countries', 'iso-countries.txt'), ('countries_extra', 'countries-extra.txt'), ('places_extra', 'places.txt'),
             ('orgs_extra', 'organisations.txt'), ('people_extra', 'people.txt'),
             ('demonyms', 'demonyms.txt'), ('demonym_countries', 'demonym-countries.tsv'), ('roles', 'roles.txt'),
             ('common_words', 'common-words.txt')]
    out = os.path.join(root, 'src', 'extract', 'gazetteer_data.c')
    with open(out, 'w', encoding='utf-8') as f:
        f.write('/* gazetteer_data.c - generated by data/gazetteer/build.py from the lists in\n'
                ' * data/gazetteer/ (sources and licences in its README.md). Do not edit. */\n'
                '#include "gazetteer.h"\n\n')
        for sym, fname in lists:
            path = os.path.join(here, fname)
            text = open(path, encoding='utf-8').read() if os.path.exists(path) else ''
            f.write('const char gazetteer_%s[] =\n' % sym)
            for line in text.splitlines():
                if line.startswith('#') and (fname.endswith('.txt') or fname.startswith('demonym')):
                    continue
                esc = line.replace('\\', '\\\\').replace('"', '\\"')
                f.write('    "%s\\n"\n' % esc)
            f.write('    "";\n\n')

main()
