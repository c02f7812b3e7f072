#pragma once
// The GimpPlugIn subclass: one image procedure "plug-in-atelier-<filter>" per filter in plugin_filters().
#include <libgimp/gimp.h>

G_BEGIN_DECLS

#define ATELIER_TYPE_PLUG_IN (atelier_plug_in_get_type())
G_DECLARE_FINAL_TYPE(AtelierPlugIn, atelier_plug_in, ATELIER, PLUG_IN, GimpPlugIn)

G_END_DECLS
