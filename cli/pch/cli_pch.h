#include "pch/engine_pch.h"
