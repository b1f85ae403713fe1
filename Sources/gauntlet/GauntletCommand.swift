import ArgumentParser
import Gauntlet

/// The `gauntlet` command-line tool.
@main
struct GauntletCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gauntlet",
    abstract: "Simulate attackers and defenders of ML classifiers at large batch, on the CPU or OpenCL.",
    version: GauntletVersion.string,
    subcommands: [DevicesCommand.self, ConformanceCommand.self, TrainCommand.self, EvaluateModelCommand.self,
                  PredictCommand.self, DefendCommand.self, AttackCommand.self, CompareAttacksCommand.self,
                  StealCommand.self, SimulateCommand.self, EvaluateCommand.self, MergeCommand.self])
}
