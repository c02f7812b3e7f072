#!/usr/bin/env python3
"""Writes the plug-in's help pages for GIMP's help system, from the filters' declarations.

usage: help_pages.py HELP_JSON PO_BUILD_DIR OUT_DIR LANG...

HELP_JSON is `dump-params --help-json` (every procedure's texts and options, untranslated). For each language
it writes OUT_DIR/LANG/gimp-help.xml (help ID -> page, what GIMP's help plug-in reads for the domain
"neural-atelier") and one HTML page per procedure plus an index. The texts are translated with the build's
catalogs (PO_BUILD_DIR/LANG/LC_MESSAGES/neural-atelier.mo, read directly, so that no locale has to exist at build
time); "en" is the untranslated original.
"""
import gettext
import html
import json
import os
import sys

DOMAIN = "neural-atelier"

# The pages' own words (the filters' texts come from the catalogs).
CHROME = {
    "en": {
        "menu": "Filters ▸ Neural ▸ {}",
        "options": "Options",
        "option": "Option",
        "meaning": "What it does",
        "default": "Default",
        "keyword": "Script-Fu",
        "range": "{} to {}",
        "none": "none",
        "yes": "on",
        "no": "off",
        "general": "General",
        "index_title": "Neural Atelier",
        "index_intro": "Neural image synthesis in GIMP: the filters under Filters ▸ Neural.",
        "common": ("Every filter works on the active layer (and its selection) and writes its result into a new "
                   "layer above it, one undo step. The progress window shows the work in progress; Cancel leaves "
                   "the image untouched, Stop and Keep keeps the result so far."),
    },
    "de": {
        "menu": "Filter ▸ Neuronal ▸ {}",
        "options": "Optionen",
        "option": "Option",
        "meaning": "Bedeutung",
        "default": "Vorgabe",
        "keyword": "Script-Fu",
        "range": "{} bis {}",
        "none": "keine",
        "yes": "an",
        "no": "aus",
        "general": "Allgemein",
        "index_title": "Neural Atelier",
        "index_intro": "Neuronale Bildsynthese in GIMP: die Filter unter Filter ▸ Neuronal.",
        "common": ("Jeder Filter arbeitet auf der aktiven Ebene (und ihrer Auswahl) und schreibt sein Ergebnis in "
                   "eine neue Ebene darüber, ein Rückgängig-Schritt. Das Fortschrittsfenster zeigt den Zwischenstand; "
                   "Abbrechen lässt das Bild unverändert, Anhalten und behalten behält das bisherige Ergebnis."),
    },
}

STYLE = """body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
code { font-size: 0.95em; }
.menu { color: #555; }"""


def translator(po_dir, lang):
    if lang == "en":
        return gettext.NullTranslations()
    with open(os.path.join(po_dir, lang, "LC_MESSAGES", DOMAIN + ".mo"), "rb") as f:
        return gettext.GNUTranslations(f)


def plain(label):
    """A label without its mnemonic underscore."""
    return label.replace("_", "")


def number(value, lang, integer):
    text = str(int(round(value))) if integer else ("%g" % value)
    return text.replace(".", ",") if lang == "de" else text


def default_text(option, t, words, lang):
    kind, default = option["type"], option.get("default")
    if kind in ("int", "double"):
        integer = kind == "int"
        return "%s (%s)" % (number(default, lang, integer),
                            words["range"].format(number(option["min"], lang, integer),
                                                  number(option["max"], lang, integer)))
    if kind == "bool":
        return words["yes"] if default else words["no"]
    if kind == "choice":
        labels = {c["nick"]: c["label"] for c in option["choices"]}
        return plain(t.gettext(labels.get(default, default))) if default else words["none"]
    return default if default else words["none"]


def choices_html(option, t):
    if option["type"] != "choice":
        return ""
    items = "".join("<li><code>%s</code>: %s</li>" % (html.escape(c["nick"]), html.escape(plain(t.gettext(c["label"]))))
                    for c in option["choices"])
    return "<ul>%s</ul>" % items


def page(proc, t, words, lang):
    title = t.gettext(proc["title"])
    out = ['<!DOCTYPE html>', '<html lang="%s"><head><meta charset="utf-8">' % lang,
           "<title>%s</title><style>%s</style></head><body>" % (html.escape(title), STYLE),
           "<h1>%s</h1>" % html.escape(title),
           '<p class="menu">%s · <code>%s</code></p>' % (
               html.escape(words["menu"].format(plain(t.gettext(proc["menu_label"])))), html.escape(proc["procedure"])),
           "<p>%s</p>" % html.escape(t.gettext(proc["blurb"]))]
    if proc["help"] and proc["help"] != proc["blurb"]:
        out.append("<p>%s</p>" % html.escape(t.gettext(proc["help"])))
    out.append("<h2>%s</h2>" % html.escape(words["options"]))
    groups = []
    for option in proc["options"]:
        group = option["group"] or ""
        if group not in groups:
            groups.append(group)
    for group in groups:
        out.append("<h3>%s</h3>" % html.escape(plain(t.gettext(group)) if group else words["general"]))
        out.append("<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>" % tuple(
            html.escape(words[k]) for k in ("option", "meaning", "default", "keyword")))
        for option in proc["options"]:
            if (option["group"] or "") != group:
                continue
            out.append("<tr><td>%s</td><td>%s%s</td><td>%s</td><td><code>#:%s</code></td></tr>" % (
                html.escape(plain(t.gettext(option["label"]))), html.escape(t.gettext(option["help"])),
                choices_html(option, t), html.escape(default_text(option, t, words, lang)),
                html.escape(option["name"])))
        out.append("</table>")
    out.append('<p><a href="index.html">%s</a></p></body></html>' % html.escape(words["index_title"]))
    return "\n".join(out) + "\n"


def index(procs, t, words, lang):
    items = "".join('<li><a href="%s.html">%s</a>: %s</li>' % (
        html.escape(p["name"]), html.escape(t.gettext(p["title"])), html.escape(t.gettext(p["blurb"]))) for p in procs)
    return ('<!DOCTYPE html>\n<html lang="%s"><head><meta charset="utf-8"><title>%s</title><style>%s</style></head>'
            "<body><h1>%s</h1><p>%s</p><ul>%s</ul><p>%s</p></body></html>\n" % (
                lang, html.escape(words["index_title"]), STYLE, html.escape(words["index_title"]),
                html.escape(words["index_intro"]), items, html.escape(words["common"])))


def help_xml(procs):
    items = "".join('  <help-item id="%s" ref="%s.html"/>\n' % (html.escape(p["procedure"]), html.escape(p["name"]))
                    for p in procs)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<gimp-help>\n  <help-item id="%s" ref="index.html"/>\n%s'
            "</gimp-help>\n" % (DOMAIN, items))


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    help_json, po_dir, out_dir, langs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with open(help_json, encoding="utf-8") as f:
        procs = json.load(f)
    for lang in langs:
        t, words = translator(po_dir, lang), CHROME.get(lang, CHROME["en"])
        folder = os.path.join(out_dir, lang)
        os.makedirs(folder, exist_ok=True)
        write(os.path.join(folder, "gimp-help.xml"), help_xml(procs))
        write(os.path.join(folder, "index.html"), index(procs, t, words, lang))
        for proc in procs:
            write(os.path.join(folder, proc["name"] + ".html"), page(proc, t, words, lang))


if __name__ == "__main__":
    main()
