// The extension's module: PostgreSQL's magic block and settings.
#include "boundary.hpp"

namespace eventml::pg {
void define_logit_settings();
}

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
void _PG_init(void) {
    eventml::pg::install_core_allocator();
    eventml::pg::define_logit_settings();
}
}
