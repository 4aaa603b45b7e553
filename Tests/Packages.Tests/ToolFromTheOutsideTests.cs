using System.IO.Compression;
using NeuralPipelines.Packages.Tests.Support;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Packages.Tests;

/// <summary>np as a .NET tool: packed, installed from the feed like any tool, and its demo run from outside the repository.</summary>
public sealed class ToolFromTheOutsideTests
{
    // About four minutes on two cores (the package is ~330 MB, mostly ONNX Runtime's CUDA provider): NP_LONG_TESTS=1.
    [LongFact]
    public void The_np_tool_installs_from_the_feed_and_its_demo_writes_every_file()
    {
        using var ws = new ConsumerWorkspace();
        ws.PackTool();
        using (var package = ZipFile.OpenRead(Path.Combine(ws.Feed, $"np.{ws.Version}.nupkg")))
        {
            var names = package.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", names);
            Assert.Contains("tools/net10.0/any/files/mnist-10k/train-images-idx3-ubyte.gz", names);
            Assert.Contains("tools/net10.0/any/files/README.md", names);   // the datasets' licences travel with them
        }
        ws.WriteRestoreConfiguration();
        var tools = Path.Combine(ws.Root, "tools");
        ConsumerWorkspace.Check(ws.Run(ConsumerWorkspace.NoEnvironment, "tool", "install", "np", "--tool-path", tools, "--add-source", ws.Feed, "--version", ws.Version), "dotnet tool install");

        var output = Path.Combine(ws.Root, "demo");
        var np = Path.Combine(tools, "np");
        Assert.True(File.Exists(np), $"the install put no np command in {tools}");
        // The installed command is a native launcher, run here through bash like any program on the PATH.
        var demo = Dotnet.RunProgram(ws.Root, np, TimeSpan.FromMinutes(5), "demo", "--out", output);
        ConsumerWorkspace.Check(demo, "np demo");
        foreach (var file in new[] { "diabetes-closed-form.zip", "breast-cancer.zip", "iris.zip", "diabetes-predictions.csv", "mnist-mlp.onnx", "mnist-mlp.zip" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"np demo wrote no {file}:\n{ConsumerWorkspace.Tail(demo.Output)}");
    }
}
