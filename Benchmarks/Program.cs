using BenchmarkDotNet.Running;
using NeuralPipelines.Benchmarks.Race;

namespace NeuralPipelines.Benchmarks;

/// <summary>
/// BenchmarkDotNet suites (<c>dotnet run -c Release --project Benchmarks -- --filter '*Sgemm*'</c>), or a quick race
/// without BenchmarkDotNet that prints the same figures the libtorch peer prints (<c>-- race sgemm</c>), or the
/// generative transform-function experiment with its plots (<c>-- transform-function</c>), or docs/ZOO.md's cost table
/// (<c>-- zoo-costs</c>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "race") return RaceCommand.Run(args[1..], Console.Out);
        if (args.Length > 0 && args[0] == "race-cnn") return Cnn.CnnRace.Run(args[1..], Console.Out);
        if (args.Length > 0 && args[0] == "colorize-eval") return Colorization.ColorizationEvaluation.Run(args[1..], Console.Out);
        if (args.Length > 0 && args[0] == "serve-load") return Serving.ServeLoad.Run(args[1..], Console.Out);
        if (args.Length > 0 && args[0] == "zoo-costs") return Zoo.ZooCostTable.Run(Console.Out);
        if (args.Length > 0 && args[0] == "score-inputs") return Onnx.ScoreInputs.Run(args[1..], Console.Out);
        if (args.Length > 0 && args[0] == "score-race") return Onnx.ScoreRace.Run(args[1..], Console.Out);
        if (args.Length > 0 && args[0] == "transform-function") return Generative.TransformFunctionCommand.Run(args[1..], Console.Out);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
