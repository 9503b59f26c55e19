// Placeholder until the server stack lands (helper B replaces this file).
namespace vigil::server {}
