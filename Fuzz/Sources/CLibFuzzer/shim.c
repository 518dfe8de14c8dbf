// SwiftPM needs a source file in a C target; the declaration in include/CLibFuzzer.h is the point.
#include "CLibFuzzer.h"
