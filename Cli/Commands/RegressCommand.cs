using System.CommandLine;
using NeuralPipelines.Cli.Commands.Classic;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np regress</c>: linear regression on a CSV table, closed form, ridge, gradient descent or ML.NET's iterative trainers.</summary>
public sealed class RegressCommand : ICliCommand
{
    public string Name => "regress";

    public Command Create(CliContext context)
    {
        var options = new TabularOptions(0, "Hold out this fraction of the rows (shuffled with --seed) and report figures on them; 0 (default): fit and report on all rows.");
        var method = new Option<string>("--method")
        {
            Description = "closed-form (least squares by QR, double precision), ridge (closed form + λ‖w‖²), gd (plain gradient descent on standardised features), " +
                          "sdca or ogd (ML.NET's SDCA / OnlineGradientDescent behind NormalizeMeanVariance).",
            DefaultValueFactory = _ => "closed-form",
        }.AcceptOnlyFromAmong([.. RegressionJob.Methods.Keys]);
        var lambda = new Option<double>("--lambda") { Description = "Ridge penalty λ on the sum of squared coefficients (--method ridge).", DefaultValueFactory = _ => 1.0 };
        var learningRate = new Option<double>("--learning-rate") { Description = "Gradient descent's learning rate η (--method gd); must be below 2/λmax of the standardised features.", DefaultValueFactory = _ => 0.3 };
        var epochs = new Option<int>("--epochs") { Description = "Gradient descent's number of full-batch epochs (--method gd).", DefaultValueFactory = _ => 3000 };
        var json = CliContext.JsonOption();
        var command = new Command("regress",
            "Fit a linear regression to a CSV table and print R², RMSE, MAE, the intercept and the coefficient of each column.\n" +
            "Example: np regress --data diabetes --label target --method gd --learning-rate 0.3 --epochs 3000 --out diabetes.zip");
        options.AddTo(command);
        foreach (var o in new Option[] { method, lambda, learningRate, epochs, json }) command.Options.Add(o);

        context.SetAction(command, parse =>
        {
            var asJson = parse.GetValue(json);
            var testFraction = options.CheckedTestFraction(parse, allowZero: true);
            var outPath = options.CheckedOut(parse, out var outputScope);
            using var _ = outputScope;
            var data = options.Read(parse);
            var methodName = parse.GetValue(method)!;
            var settings = new RegressionSettings
            {
                Method = RegressionJob.Methods[methodName],
                Lambda = parse.GetValue(lambda),
                LearningRate = parse.GetValue(learningRate),
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(options.Seed),
            };
            var outcome = RegressionJob.Run(data, methodName, settings, testFraction, outPath);
            if (asJson) context.WriteJson(outcome);
            else RegressionJob.Print(context.Console(false), outcome);
            return 0;
        });
        return command;
    }
}
