import ArgumentParser

struct AnnalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annals",
        abstract: "Inspect and operate an Annals event store.",
        subcommands: [])
}
