#include "plugin/plug_in.h"

GIMP_MAIN(ATELIER_TYPE_PLUG_IN)
