using System.CommandLine;
using NeuralPipelines.Cli.Commands.Classic;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np classify</c>: logistic regression (binary or multiclass) on a CSV table with ML.NET's trainers.</summary>
public sealed class ClassifyCommand : ICliCommand
{
    public string Name => "classify";

    public Command Create(CliContext context)
    {
        var options = new TabularOptions(0.2, "Fraction of the rows held out for evaluation (stratified by class, shuffled with --seed).");
        var trainer = new Option<string>("--trainer")
        {
            Description = "lbfgs (LbfgsLogisticRegression / LbfgsMaximumEntropy), sdca (SdcaLogisticRegression / SdcaMaximumEntropy) " +
                          "or sgd (SgdCalibrated / one-versus-all SgdCalibrated); always behind NormalizeMeanVariance.",
            DefaultValueFactory = _ => "lbfgs",
        }.AcceptOnlyFromAmong([.. ClassificationJob.Trainers.Keys]);
        var json = CliContext.JsonOption();
        var command = new Command("classify",
            "Train a classifier on a CSV table: two label values give binary logistic regression (accuracy, log-loss, AUC), " +
            "more give multiclass maximum entropy (micro/macro accuracy, log-loss); both print the confusion matrix.\n" +
            "Example: np classify --data breast-cancer --label target --trainer lbfgs --out cancer.zip");
        options.AddTo(command);
        command.Options.Add(trainer);
        command.Options.Add(json);

        context.SetAction(command, parse =>
        {
            var asJson = parse.GetValue(json);
            var testFraction = options.CheckedTestFraction(parse, allowZero: false);
            var outPath = options.CheckedOut(parse, out var outputScope);
            using var _ = outputScope;
            var data = options.Read(parse);
            var outcome = ClassificationJob.Run(data, parse.GetValue(trainer)!, testFraction, parse.GetValue(options.Seed), outPath);
            if (asJson) context.WriteJson(outcome);
            else ClassificationJob.Print(context.Console(false), outcome);
            return 0;
        });
        return command;
    }
}
