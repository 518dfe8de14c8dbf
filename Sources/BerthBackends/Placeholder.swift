/// Placeholder; filled in by its issue.
enum _BerthBackendsPlaceholder {}
