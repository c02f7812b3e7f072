#pragma once
// gettext for the plug-in and dialogs: _() / N_() in domain "neural-atelier", and tr() for engine strings
// (ParamSpec labels, filter titles) that are marked in filters/ and translated at registration time.
#include <glib/gi18n-lib.h>

#include <string>

namespace atelier::dialogs {

inline const char* tr(const std::string& text) {
  return text.empty() ? "" : g_dgettext(GETTEXT_PACKAGE, text.c_str());
}

}  // namespace atelier::dialogs
