#pragma once
// What the plug-in's procedures share (the filters' runs, the model manager) and what registers them: the folders of
// the plug-in's data and the return values of a failed call. At the bottom of plugin/: it includes nothing of it.
#include <libgimp/gimp.h>

#include <string>

namespace atelier::plugin {

// The help pages' folder (one subfolder per language, tools/help_pages.py): $ATELIER_HELPDIR (a build's own),
// else "help" beside the plug-in (./run install), else the installed <datadir>/neural-atelier/help.
std::string help_dir();

// The translations' folder: $ATELIER_LOCALEDIR, else "locale" beside the plug-in, else the installed one.
std::string locale_dir();

// The return values of a procedure that failed: `status` and the message GIMP shows (or returns to a script).
GimpValueArray* failure(GimpProcedure* procedure, GimpPDBStatusType status, const std::string& message);

}  // namespace atelier::plugin
