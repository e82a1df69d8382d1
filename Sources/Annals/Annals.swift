/// Annals: an embedded event store. This module is the API a service imports; it re-exports
/// the storage core so `import Annals` is enough.
@_exported public import AnnalsLog
