using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Idx;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Idx;

public class IdxImageFolderTests
{
    [Fact]
    public void Shipped_mnist_loads_8000_train_and_2000_test_digits_with_the_published_label_counts()
    {
        var split = IdxImageFolder.Load(ShippedData.Mnist, "mnist");
        Assert.Equal(8000, split.Train.Count);
        Assert.Equal(2000, split.Test.Count);
        Assert.Equal((1, 28, 28, 10), (split.Train.Channels, split.Train.Height, split.Train.Width, split.Train.Classes));
        var counts = new int[10];
        foreach (int l in split.Train.Labels) counts[l]++;
        Assert.Equal([805, 896, 797, 811, 789, 695, 805, 859, 767, 776], counts); // as recorded in Data/files/README.md
        Assert.InRange(split.Train.Pixels.Max(), 0.99f, 1f);
        Assert.Equal(0f, split.Train.Pixels.Min());
    }

    [Fact]
    public void Save_then_load_round_trips_pixels_and_labels()
    {
        using var tmp = new TempFolder();
        var rng = new Random(5);
        LabelledImages Make(int n) => new("synthetic",
            Enumerable.Range(0, n * 12).Select(_ => rng.Next(256) / 255f).ToArray(),
            Enumerable.Range(0, n).Select(_ => rng.Next(10)).ToArray(), 1, 3, 4, 10);
        var split = new TrainTestSplit("s", Make(7), Make(3));
        IdxImageFolder.Save(tmp.Path, split);
        Assert.True(IdxImageFolder.Holds(tmp.Path));
        var back = IdxImageFolder.Load(tmp.Path);
        Assert.Equal(split.Train.Labels, back.Train.Labels);
        Assert.Equal(split.Test.Pixels.Length, back.Test.Pixels.Length);
        for (int i = 0; i < back.Test.Pixels.Length; i++) Assert.Equal(split.Test.Pixels[i], back.Test.Pixels[i], 6);
        Assert.Equal((3, 4), (back.Train.Height, back.Train.Width));
    }

    [Fact]
    public void A_folder_without_idx_files_is_an_error_naming_the_folder()
    {
        using var tmp = new TempFolder();
        tmp.Write("notes.txt", "nothing here");
        var e = Assert.Throws<FileNotFoundException>(() => IdxImageFolder.Load(tmp.Path));
        Assert.StartsWith(tmp.Path + ": holds no IDX files", e.Message);
    }

    [Fact]
    public void A_folder_missing_one_file_names_that_file()
    {
        using var tmp = new TempFolder();
        foreach (var stem in IdxImageFolder.Stems.Take(3))
            IdxWriter.Write(tmp.File(stem + ".gz"), IdxArray.FromBytes([1], [0]));
        var e = Assert.Throws<FileNotFoundException>(() => IdxImageFolder.Load(tmp.Path));
        Assert.Contains("missing IDX file t10k-labels-idx1-ubyte", e.Message);
        Assert.Contains(tmp.Path, e.Message);
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => IdxImageFolder.Load("/no/such/folder"));
        Assert.StartsWith("/no/such/folder:", e.Message);
    }
}
