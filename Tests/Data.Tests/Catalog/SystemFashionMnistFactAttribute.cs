namespace NeuralPipelines.Data.Tests.Catalog;

/// <summary>A test that needs Debian's dataset-fashion-mnist copy; skipped (and said so) where it is not installed, as in CI.</summary>
public sealed class SystemFashionMnistFactAttribute : FactAttribute
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    public SystemFashionMnistFactAttribute()
    {
        if (!File.Exists(Path.Combine(Folder, "train-images-idx3-ubyte.gz")))
            Skip = $"{Folder} is not installed (apt-get install dataset-fashion-mnist).";
    }
}
