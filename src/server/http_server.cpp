// Placeholder translation unit until the server stack lands (its implementation replaces this file).
#include "server/http_server.hpp"
