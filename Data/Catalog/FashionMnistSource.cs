using NeuralPipelines.Data.Download;

namespace NeuralPipelines.Data.Catalog;

/// <summary>Where Fashion-MNIST is published and what its four files must contain.</summary>
public static class FashionMnistSource
{
    /// <summary>The authors' public location (linked from github.com/zalandoresearch/fashion-mnist).</summary>
    public const string DefaultBaseUrl = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    public const string UrlVariable = "NP_FASHION_MNIST_URL";

    // SHA-256 of each file's decompressed IDX content, computed from Debian's dataset-fashion-mnist package
    // (/usr/share/datasets/fashion-mnist): `zcat FILE | sha256sum`. Debian re-wrote the gzip headers (its .gz files
    // are exactly the original file-name field shorter than the published ones), so the .gz bytes differ between the
    // two copies while the content, and therefore these digests, are the same.
    public static readonly IReadOnlyList<RemoteFile> Files =
    [
        new("train-images-idx3-ubyte.gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        new("train-labels-idx1-ubyte.gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        new("t10k-images-idx3-ubyte.gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        new("t10k-labels-idx1-ubyte.gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ];

    public static readonly DownloadableDataset Definition = new("fashion-mnist", DefaultBaseUrl, UrlVariable, Files);
}
