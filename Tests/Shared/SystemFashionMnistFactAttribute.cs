namespace NeuralPipelines.Tests;

/// <summary>A test that needs Debian's dataset-fashion-mnist copy; skipped (and said so) where it is not installed, as in CI.</summary>
public sealed class SystemFashionMnistFactAttribute : FactAttribute
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    /// <summary>True where the Debian copy is installed (the long accuracy tier needs it for its Fashion-MNIST rows).</summary>
    public static bool Installed => File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz"));

    public SystemFashionMnistFactAttribute()
    {
        if (!Installed)
            Skip = $"{Folder} is not installed (apt-get install dataset-fashion-mnist).";
    }
}
