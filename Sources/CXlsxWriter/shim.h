// The C headers BudgetXLSX sees: Debian's libxlsxwriter-dev 1.1.4 (pkg-config `xlsxwriter`),
// and zlib, which libxlsxwriter already links, for the reader's bounded inflate.
#ifndef BUDGET_CXLSXWRITER_SHIM_H
#define BUDGET_CXLSXWRITER_SHIM_H

#include <xlsxwriter.h>
#include <zlib.h>

#endif
