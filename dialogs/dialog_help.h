#pragma once
// The Help button and F1 of our dialogs open the filter's help page (tools/help_pages.py) in the user's language.
#include <gtk/gtk.h>

#include <string>

namespace atelier::dialogs {

// Opens help_dir/<language>/<page>.html with the desktop's browser, <language> the first of the user's languages
// (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) that has pages, else English. GIMP 3.0.4's own route (its help system,
// asked without a domain by plug-in dialogs) answers with GIMP's user manual, or with "the GIMP user manual is not
// installed", instead of the plug-in's registered domain; and Debian ships no GIMP help browser.
void route_help_to_our_pages(GtkWidget* dialog, const std::string& help_dir, const std::string& page);

// The page's file for the user's languages (exposed for tests).
std::string help_page_path(const std::string& help_dir, const std::string& page);

}  // namespace atelier::dialogs
