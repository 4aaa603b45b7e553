using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralPipelines.Packages.Tests.Support;
using Xunit.Abstractions;

namespace NeuralPipelines.Packages.Tests;

/// <summary>Issue 12, proven from the outside: the libraries packed into a feed, and three apps that know them only as
/// packages — a console app that trains and saves, an xUnit project that loads the saved model in another process and
/// runs the README's validation example, and an app with no native ONNX Runtime that must be told which package to add.</summary>
public sealed class PackagesFromTheOutsideTests
{
    private readonly ITestOutputHelper _output;

    public PackagesFromTheOutsideTests(ITestOutputHelper output) => _output = output;

    [PackageFact]
    public void Apps_built_from_the_packages_alone_train_save_load_validate_and_name_a_missing_native_runtime()
    {
        var clock = Stopwatch.StartNew();
        using var ws = new ConsumerWorkspace();
        ws.PackLibraries();
        var packed = clock.Elapsed;

        const string gpu = "Microsoft.ML.OnnxRuntime.Gpu.Linux";
        ws.AddConsumer("TrainApp", test: false, "NeuralPipelines.Pipelines", gpu);
        ws.AddConsumer("ValidationTests", test: true, "NeuralPipelines.Onnx", "Microsoft.ML", gpu, "Microsoft.NET.Test.Sdk", "xunit", "xunit.runner.visualstudio");
        ws.AddConsumer("NoNativeApp", test: false, "NeuralPipelines.Onnx");
        ws.WriteRestoreConfiguration("TrainApp/TrainApp.csproj", "ValidationTests/ValidationTests.csproj", "NoNativeApp/NoNativeApp.csproj");
        ConsumerWorkspace.Check(ws.Run(ConsumerWorkspace.NoEnvironment, "build", "consumers.slnx", "-c", "Debug", "-nologo", "-v:q", "-nodeReuse:false"), "building the consumers");
        var built = clock.Elapsed;

        string Bin(string app) => Path.Combine(ws.Root, app, "bin", "Debug", "net10.0");
        // The apps reference our code as packages of this workspace's version, never as projects.
        foreach (var (app, library) in new[] { ("TrainApp", "NeuralPipelines.Pipelines"), ("TrainApp", "NeuralPipelines.Data"), ("NoNativeApp", "NeuralPipelines.Onnx") })
        {
            using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(Bin(app), app + ".deps.json")));
            var entry = deps.RootElement.GetProperty("libraries").GetProperty($"{library}/{ws.Version}");
            Assert.Equal("package", entry.GetProperty("type").GetString());
        }
        // The native runtime comes from the app's own choice: the GPU build in TrainApp, nothing in NoNativeApp.
        Assert.True(File.Exists(Path.Combine(Bin("TrainApp"), "runtimes", "linux-x64", "native", "libonnxruntime.so")));
        Assert.Empty(Directory.GetFiles(Bin("NoNativeApp"), "libonnxruntime*", SearchOption.AllDirectories));

        // Train and save. The app runs outside the repository with a per-user cache holding only the iris table.
        var mnist = Path.Combine(ConsumerWorkspace.Repository, "Data", "files", "mnist-10k");
        var diabetes = Path.Combine(ConsumerWorkspace.Repository, "Data", "files", "tabular", "diabetes.csv");
        var cacheHome = Path.Combine(ws.Root, "cache");
        var cachedIris = Path.Combine(cacheHome, "neuralpipelines", "shipped", "tabular", "iris.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(cachedIris)!);
        File.Copy(Path.Combine(ConsumerWorkspace.Repository, "Data", "files", "tabular", "iris.csv"), cachedIris);
        var models = Path.Combine(ws.Root, "models");
        var withCache = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cacheHome };
        var train = ws.Run(withCache, Path.Combine(Bin("TrainApp"), "TrainApp.dll"), mnist, diabetes, models);
        ConsumerWorkspace.Check(train, "TrainApp");
        var lines = train.Output.Split('\n').Where(l => l.Contains('=')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim());
        Assert.InRange(double.Parse(lines["recorded_accuracy"], CultureInfo.InvariantCulture), 0.85, 1.0);
        Assert.Equal(0.517748, double.Parse(lines["diabetes_r2"], CultureInfo.InvariantCulture), 1e-5);
        Assert.Matches("^(CPU|CUDA) outputs=10$", lines["scorer"]);
        Assert.Equal(cachedIris, lines["iris"]);
        Assert.Contains(Path.Combine(Bin("TrainApp"), "files", "mnist-10k"), lines["mnist_error"]);
        Assert.Contains(Path.Combine(cacheHome, "neuralpipelines", "shipped", "mnist-10k"), lines["mnist_error"]);

        // Load in another process and validate, as the README shows.
        var validation = ws.Run(new Dictionary<string, string?> { ["NP_CONSUMER_MODELS"] = models, ["NP_CONSUMER_MNIST"] = mnist },
            "test", Path.Combine("ValidationTests", "ValidationTests.csproj"), "--no-build", "-nologo", "--logger", "console;verbosity=normal");
        ConsumerWorkspace.Check(validation, "the consumer's xUnit tests");
        Assert.Matches(@"Passed:\s+2\b", validation.Output);
        Assert.Contains("Passed DigitsModelTests.Digits_model_still_meets_its_accuracy", validation.Output);
        Assert.Contains("Passed DigitsModelTests.The_ml_net_zip_loads_with_ml_net_alone_and_scores_as_well", validation.Output);

        // Without a native runtime, opening the model names the packages to add.
        var noNative = ws.Run(ConsumerWorkspace.NoEnvironment, Path.Combine(Bin("NoNativeApp"), "NoNativeApp.dll"), Path.Combine(models, "digits.onnx"));
        Assert.True(noNative.ExitCode == 3, $"NoNativeApp exited with {noNative.ExitCode}:\n{ConsumerWorkspace.Tail(noNative.Output)}");
        Assert.Contains("add one native runtime package", noNative.Output);
        Assert.Contains("Microsoft.ML.OnnxRuntime (CPU", noNative.Output);
        Assert.Contains(gpu, noNative.Output);

        var timing = $"packed in {packed.TotalSeconds:F0} s, consumers built by {built.TotalSeconds:F0} s, all done in {clock.Elapsed.TotalSeconds:F0} s";
        _output.WriteLine(timing);
        _output.WriteLine(train.Output);
        _output.WriteLine(validation.Output);
    }
}
