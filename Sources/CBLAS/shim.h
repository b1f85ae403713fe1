#ifndef GAUNTLET_CBLAS_SHIM_H
#define GAUNTLET_CBLAS_SHIM_H
#include <cblas.h>
#endif
