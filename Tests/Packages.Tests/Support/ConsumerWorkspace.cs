using System.Xml.Linq;

namespace NeuralPipelines.Packages.Tests.Support;

/// <summary>A temporary folder outside the repository holding a package feed made from this build and consumer
/// projects that reference those packages (and never the source).</summary>
/// <remarks>Restores see only the new feed, with the machine's package cache as a read-only fallback folder, so nothing
/// is downloaded and a package of ours can never come from an older copy in the cache: each workspace packs under a
/// version of its own and extracts it into its own packages folder.</remarks>
public sealed class ConsumerWorkspace : IDisposable
{
    public static readonly string[] Libraries = ["Data", "Models", "Onnx", "Pipelines"];
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public ConsumerWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "np-consumers", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Version = "0.1.0-outside." + Guid.NewGuid().ToString("N")[..8];
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
    }

    public string Root { get; }
    public string Version { get; }
    public string Feed { get; }

    /// <summary>The repository this test was built from (the folder holding NeuralPipelines.sln).</summary>
    public static string Repository { get; } = NeuralPipelines.Tests.Repository.Root;

    /// <summary>bin/&lt;Configuration&gt;/&lt;tfm&gt;/ of this test: the configuration whose library builds are packed.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The version of each package that Directory.Packages.props names (so the consumers restore from the cache).</summary>
    public static IReadOnlyDictionary<string, string> CentralVersions { get; } =
        XDocument.Load(Path.Combine(Repository, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);

    /// <summary>Packs the four libraries' existing build output into <see cref="Feed"/> in one MSBuild run.</summary>
    public void PackLibraries()
    {
        var projects = string.Join(";", Libraries.Select(l => Path.Combine(Repository, l, $"NeuralPipelines.{l}.csproj")));
        var proj = Write("pack.proj", $"""
            <Project>
              <Target Name="Pack">
                <MSBuild Projects="{projects}" Targets="Pack"
                         Properties="NoBuild=true;Configuration={Configuration};PackageOutputPath={Feed};PackageVersion={Version}" />
              </Target>
            </Project>
            """);
        Check(Dotnet.Run(Root, NoEnvironment, Timeout, "msbuild", proj, "-nologo", "-v:m", "-nodeReuse:false"), "pack");
        foreach (var l in Libraries)
            Assert.True(File.Exists(Path.Combine(Feed, $"NeuralPipelines.{l}.{Version}.nupkg")), $"{Feed} has no NeuralPipelines.{l} {Version}");
    }

    /// <summary>Packs the np tool's existing build output into <see cref="Feed"/> (a publish of it, with the shipped data).</summary>
    public void PackTool()
    {
        var project = Path.Combine(Repository, "Cli", "np.csproj");
        Check(Run(NoEnvironment, "pack", project, "--no-build", "-c", Configuration, "-o", Feed, $"-p:PackageVersion={Version}", "-nologo", "-v:q", "-nodeReuse:false"), "packing np");
        Assert.True(File.Exists(Path.Combine(Feed, $"np.{Version}.nupkg")), $"{Feed} has no np {Version}");
    }

    /// <summary>A nuget.config that sees the feed and, read-only, the machine's package cache; and a solution of the consumers.</summary>
    public void WriteRestoreConfiguration(params string[] consumerProjects)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" /></config>
              <packageSources><clear /><add key="neuralpipelines" value="{Feed}" /></packageSources>
              <fallbackPackageFolders><clear /><add key="machine" value="{cache}" /></fallbackPackageFolders>
            </configuration>
            """);
        Write("consumers.slnx", "<Solution>\n" + string.Concat(consumerProjects.Select(p => $"  <Project Path=\"{p}\" />\n")) + "</Solution>\n");
    }

    /// <summary>A consumer project: its sources copied from Tests/Packages.Tests/Consumers/NAME, its csproj written here.</summary>
    public void AddConsumer(string name, bool test, params string[] packages)
    {
        var source = Path.Combine(Repository, "Tests", "Packages.Tests", "Consumers", name);
        var folder = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;
        foreach (var file in Directory.GetFiles(source, "*.cs")) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var references = string.Concat(packages.Select(p =>
            $"    <PackageReference Include=\"{p}\" Version=\"{(p.StartsWith("NeuralPipelines.", StringComparison.Ordinal) ? Version : CentralVersions[p])}\" />\n"));
        Write(Path.Combine(name, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>{(test ? "Library" : "Exe")}</OutputType>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <IsTestProject>{(test ? "true" : "false")}</IsTestProject>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
    }

    /// <summary>Runs dotnet in the workspace.</summary>
    public (int ExitCode, string Output) Run(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        Dotnet.Run(Root, environment, Timeout, args);

    public static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();

    public static void Check((int ExitCode, string Output) run, string what) =>
        Assert.True(run.ExitCode == 0, $"{what} exited with {run.ExitCode}:\n{Tail(run.Output)}");

    public static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];

    private string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
