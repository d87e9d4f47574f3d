// The module is its header's one inline function; SwiftPM needs a source file for a C target.
#include "CPrefetch.h"
