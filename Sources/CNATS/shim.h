#ifndef ANNALS_CNATS_SHIM_H
#define ANNALS_CNATS_SHIM_H
// The NATS C client (Debian's libnats-dev 3.4), used by AnnalsNATS only: users of the core
// never link it.
#include <nats/nats.h>
#endif
