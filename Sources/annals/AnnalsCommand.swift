import ArgumentParser

struct AnnalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annals",
        abstract: "Operate an Annals event store: append, read, verify, inspect.",
        subcommands: [
            DemoCommand.self, AppendCommand.self, ReadCommand.self, VerifyCommand.self, StatsCommand.self, SealCommand.self,
        ])
}
