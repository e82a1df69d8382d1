import ArgumentParser

@main
struct AnnalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annals",
        abstract: "Operate an Annals event store: append, read, follow, verify, inspect.",
        subcommands: [
            DemoCommand.self, AppendCommand.self, ReadCommand.self, StreamsCommand.self, SubscribeCommand.self,
            VerifyCommand.self, StatsCommand.self, SealCommand.self, ReplicateCommand.self, RestoreCommand.self,
        ])
}
