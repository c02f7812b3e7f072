# Under de_DE.UTF-8 (tests/in-locale.sh) the plug-in registers its procedures with the German catalogue's texts:
# menu labels, and the labels of Large Tiled Style's arguments. Run by tools/gimp-env.sh (Python-Fu).
# expect-output: PASS: locale_de_labels
from gi.repository import Gimp

pdb = Gimp.get_pdb()
failures = []


def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
    if not ok:
        failures.append(msg)


large = pdb.lookup_procedure("plug-in-atelier-large-tiled-style")
check(large.get_menu_label() == "_Großformat-Stil (gekachelt)…", "menu label: " + large.get_menu_label())
stylize = pdb.lookup_procedure("plug-in-atelier-stylize")
check(stylize.get_menu_label() == "_Stilisieren…", "menu label: " + stylize.get_menu_label())
tiling = large.find_argument("tiling")
check(tiling is not None and tiling.get_nick() != "Tile optimisation", "tiling label translated: " +
      (tiling.get_nick() if tiling else "missing"))
print("FAIL: locale_de_labels" if failures else "PASS: locale_de_labels")
