# The PDB arguments of the registered procedures match the parameter declarations: names, types, ranges,
# defaults and choices (product filters: from plugin/dump-params; the test filter: written out below).
# Run by tools/gimp-env.sh (Python-Fu); prints PASS/FAIL.
# expect-output: PASS: arguments
import json
import os
import subprocess

from gi.repository import GObject, Gimp

failures = []


def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
    if not ok:
        failures.append(msg)


TYPES = {"int": "gint", "double": "gdouble", "bool": "gboolean", "choice": "GimpChoice", "file": "GFile",
         "string": "gchararray", "layer": "GimpLayer", "channel": "GimpChannel"}


def describe(pspec):
    d = {"name": pspec.name, "gtype": GObject.type_name(pspec.value_type)}
    if hasattr(pspec, "minimum"):
        d["min"], d["max"] = pspec.minimum, pspec.maximum
    return d


def compare(procedure, expected):
    proc = Gimp.get_pdb().lookup_procedure(procedure)
    check(proc is not None, procedure + " is registered")
    if proc is None:
        return
    args = proc.get_arguments()
    names = [a.name for a in args]
    check(names[:3] == ["run-mode", "image", "drawables"], procedure + ": image procedure signature")
    check(names[3:] == [e["name"] for e in expected],
          "%s: argument names %s == declared %s" % (procedure, names[3:], [e["name"] for e in expected]))
    for pspec, e in zip(args[3:], expected):
        what = "%s %s" % (procedure, e["name"])
        gtype = GObject.type_name(pspec.value_type)
        if e["type"] == "choice":
            # A string the plug-in validates (an invalid GimpChoice keyword would silently become the default),
            # with the nicks in its help. The dialog's drop-down is an auxiliary GimpChoice, which lives in the
            # plug-in only (aux arguments are not part of the PDB signature): the dialog tests cover it.
            check(gtype == "gchararray", "%s: string argument (%s)" % (what, gtype))
            check(pspec.get_default_value() == e["default"], what + ": default choice")
            check("(" + "|".join(e["choices"]) + ")" in pspec.get_blurb(), what + ": help lists the choices")
            continue
        check(gtype == TYPES[e["type"]], "%s: type %s == %s" % (what, gtype, TYPES[e["type"]]))
        if e["type"] in ("layer", "channel"):
            continue  # none by default
        default = pspec.get_default_value()
        if e["type"] in ("int", "double"):
            check(pspec.minimum == e["min"] and pspec.maximum == e["max"],
                  "%s: range %s..%s == %s..%s" % (what, pspec.minimum, pspec.maximum, e["min"], e["max"]))
            check(abs(default - e["default"]) < 1e-9, "%s: default %s == %s" % (what, default, e["default"]))
        elif e["type"] == "bool":
            check(bool(default) == e["default"], "%s: default %s" % (what, default))
        elif e["type"] == "string":
            check(default == e["default"], "%s: default %r == %r" % (what, default, e["default"]))
        elif e["type"] == "file":
            check(Gimp.param_spec_file_none_allowed(pspec), what + ": may be none")
            # ANY: the plug-in itself names a missing file (GIMP's core check for OPEN does not).
            check(Gimp.param_spec_file_get_action(pspec) == Gimp.FileChooserAction.ANY, what + ": any action")


test_tint = [
    {"name": "style-image", "type": "file", "default": ""},
    {"name": "color", "type": "choice", "choices": ["red", "green", "blue"], "default": "red"},
    {"name": "strength", "type": "double", "min": 0, "max": 1, "default": 0.5},
    {"name": "iterations", "type": "int", "min": 1, "max": 1000, "default": 3},
    {"name": "invert", "type": "bool", "default": False},
    {"name": "layer-name", "type": "string", "default": "Test tint"},
]  # "output" is CLI-only and must not appear
compare("plug-in-atelier-test-tint", test_tint)

dump = subprocess.run([os.path.join(os.environ["ATELIER_BUILD_DIR"], "plugin/dump-params")],
                      check=True, capture_output=True, text=True).stdout
for p in json.loads(dump):
    compare(p["procedure"], p["arguments"])
    proc = Gimp.get_pdb().lookup_procedure(p["procedure"])
    if proc is not None:
        check("<Image>/Filters/Neural" in proc.get_menu_paths(), p["procedure"] + ": in Filters > Neural")
        check(proc.get_image_types() == "RGB*, GRAY*", p["procedure"] + ": image types")

print("FAIL: arguments (%d failures)" % len(failures) if failures else "PASS: arguments")
