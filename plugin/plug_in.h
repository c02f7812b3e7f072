#pragma once
// The GimpPlugIn subclass: one image procedure "plug-in-atelier-<filter>" per filter in plugin_filters().
#include <libgimp/gimp.h>

G_BEGIN_DECLS

#define ATELIER_TYPE_PLUG_IN (atelier_plug_in_get_type())
G_DECLARE_FINAL_TYPE(AtelierPlugIn, atelier_plug_in, ATELIER, PLUG_IN, GimpPlugIn)

G_END_DECLS

#include <string>

namespace atelier::plugin {
// The help pages' folder (one subfolder per language, tools/help_pages.py): $ATELIER_HELPDIR (a build's own),
// else "help" beside the plug-in (./run install), else the installed <datadir>/neural-atelier/help.
std::string help_dir();

// The return values of a procedure that failed: `status` and the message GIMP shows (or returns to a script).
GimpValueArray* failure(GimpProcedure* procedure, GimpPDBStatusType status, const std::string& message);
}  // namespace atelier::plugin
