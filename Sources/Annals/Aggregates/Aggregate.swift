import AnnalsLog
/// A consistency boundary rebuilt from its events: a value that starts empty and folds each of
/// its stream's events, in order, with `apply`.
///
/// ```swift
/// struct Product: Aggregate {
///     static let category = "product"
///     var onHand = 0
///     mutating func apply(_ event: ProductEvent) {
///         switch event {
///         case .restocked(let e): onHand += e.quantity
///         case .sold(let e): onHand -= e.quantity
///         }
///     }
/// }
/// ```
///
/// `apply` must be a pure fold: the same events give the same state, so a snapshot plus the
/// events after it gives exactly what folding every event gives. The state is `Codable` so that
/// it can be snapshotted.
public protocol Aggregate: Codable, Sendable {
    /// The events this aggregate is made of.
    associatedtype Event: AggregateEvent

    /// The state before any event.
    init()

    /// Folds one event into the state. It cannot fail: decisions are made before events are
    /// written, and a stored event is a fact.
    mutating func apply(_ event: Event)

    /// The stream category of this aggregate's instances (`product` gives `product-<id>`).
    static var category: String { get }

    /// The stream that holds instance `id`'s events. Defaults to `<category>-<id>`.
    static func streamName(for id: String) -> StreamName

    /// The version of the state's encoding. Bump it when the state's shape changes: snapshots
    /// taken under another version are ignored (and replaced), never decoded. Defaults to 1.
    static var schemaVersion: Int { get }

    /// Take a snapshot once this many events were folded past the last one; nil (the default)
    /// takes snapshots only on demand (`Repository.snapshot(id:)`).
    static var snapshotInterval: Int? { get }
}

extension Aggregate {
    public static func streamName(for id: String) -> StreamName { StreamName("\(category)-\(id)") }
    public static var schemaVersion: Int { 1 }
    public static var snapshotInterval: Int? { nil }

    /// Folds `events` into the state.
    public mutating func apply<S: Sequence>(contentsOf events: S) where S.Element == Event {
        for event in events { apply(event) }
    }
}
