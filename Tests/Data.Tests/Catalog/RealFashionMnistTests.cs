using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Download;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Catalog;

/// <summary>The shipped Fashion-MNIST digests checked against real files, and the whole download path run on real data
/// (Debian's copy served from 127.0.0.1, never the internet).</summary>
public class RealFashionMnistTests
{
    [SystemFashionMnistFact]
    public void Real_files_served_locally_download_verify_and_load_as_60000_and_10000_images()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        foreach (var f in FashionMnistSource.Files)
            server.Serve("/" + f.Name, File.ReadAllBytes(Path.Combine(SystemFashionMnistFactAttribute.Folder, f.Name)));
        // No system folder and an empty cache, so the catalog has to download; the digests are the real ones.
        var catalog = new DatasetCatalog(new DatasetSearchPaths(null, tmp.Path, null));

        var location = catalog.Resolve("fashion-mnist", baseUrl: server.BaseUrl);
        Assert.Equal(DatasetOrigin.Downloaded, location.Origin);
        var split = catalog.LoadImages("fashion-mnist");
        Assert.Equal((60000, 10000, 28, 28, 10), (split.Train.Count, split.Test.Count, split.Train.Height, split.Train.Width, split.Train.Classes));
        var counts = new int[10];
        foreach (int l in split.Test.Labels) counts[l]++;
        Assert.All(counts, c => Assert.Equal(1000, c)); // Fashion-MNIST's test set is balanced
        Assert.Equal(4, server.Requests.Count);
    }

    [SystemFashionMnistFact]
    public void Debian_copy_matches_the_hard_coded_digests()
    {
        foreach (var f in FashionMnistSource.Files)
            Assert.Equal(f.ContentSha256, ContentDigest.Sha256(Path.Combine(SystemFashionMnistFactAttribute.Folder, f.Name)));
    }
}
