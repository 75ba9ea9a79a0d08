/* api: the HTTP routes of the daemon and their handlers. */
#ifndef SPK_API_H
#define SPK_API_H

#include <stddef.h>

#include "http.h"

extern const struct http_route api_routes[];
extern const size_t api_routes_count;

#endif
