import Annals
import AnnalsLog
import Foundation

/// Measurement 3: 64 tasks each appending one event at a time, durably, to a stream of its own,
/// each event tagged with a slot of its own (`slot:<run>-<writer>-<n>`). With a condition, every
/// append is conditional on no event carrying that slot after the writer's last append, which
/// holds (slots are distinct), so every append succeeds. No read before an append.
struct ConcurrentWriters {
    static let writers = 64

    let store: EventStore
    let settings: Settings

    /// Conditional and unconditional runs of `settings.seconds`, interleaved (C P P C C P) so
    /// that both sides get the same share of the disk's drift; the median of three each.
    func run() async throws -> [ReportRow] {
        var conditional: [Double] = [], plain: [Double] = []
        for (run, withCondition) in [true, false, false, true, true, false].enumerated() {
            let rate = try await measure(run: run, withCondition: withCondition)
            if withCondition { conditional.append(rate) } else { plain.append(rate) }
        }
        let (withCondition, without) = (conditional.sorted()[1], plain.sorted()[1])
        return [
            ReportRow(measurement: "Conditional appends, \(Self.writers) writers, batch 1, durable (median of 3 runs of \(Format.seconds(settings.seconds)))",
                      annals: Format.rate(withCondition), peer: "Annals, the same appends without a condition", peerFigure: Format.rate(without),
                      ratio: withCondition / without, target: "≥ 50,000 events/s", met: withCondition >= 50_000),
            ReportRow(measurement: "The same, reference", annals: Format.rate(withCondition),
                      peer: "tephra, published (their hardware, their published figure, not measured here)",
                      peerFigure: Format.rate(21_000), ratio: nil, target: "—", met: nil),
        ]
    }

    /// One run: events appended per second by all writers together, from the start until the
    /// last writer's last append returned.
    private func measure(run: Int, withCondition: Bool) async throws -> Double {
        let start = Timing.nanoseconds()
        let deadline = start + UInt64(settings.seconds * 1e9)
        let from = store.lastPosition
        let appended = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<Self.writers {
                group.addTask {
                    let template = SyntheticEvents.event(writer)
                    let stream = StreamName("writer\(writer)-\(run)")
                    var after = from
                    var count = 0
                    while Timing.nanoseconds() < deadline {
                        let slot = "slot:\(run)-\(writer)-\(count)"
                        let event = EventData(type: template.type, data: template.payload, tags: [slot])
                        let result = withCondition
                            ? try await store.append(to: stream, [event], condition: AppendCondition(failIfEventsMatch: EventQuery(tags: [slot]), after: after))
                            : try await store.append(to: stream, [event])
                        after = result.positions.upperBound
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(appended) / (Double(Timing.nanoseconds() - start) / 1e9)
    }
}
