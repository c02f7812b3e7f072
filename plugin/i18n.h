#pragma once
// gettext in the plug-in: tr() and _() from dialogs/i18n.h, plus binding the text domain at start-up.
#include "dialogs/i18n.h"

namespace atelier::plugin {

using dialogs::tr;

// Binds the text domain to the installed catalogs (LOCALEDIR, set by meson).
void init_i18n();

}  // namespace atelier::plugin
