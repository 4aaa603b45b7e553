namespace NeuralPipelines.Data.Catalog;

/// <summary>A dataset the catalog knows by name.</summary>
/// <param name="Name">What the user types (<c>mnist</c>, <c>fashion-mnist</c>).</param>
/// <param name="Summary">One line for listings.</param>
/// <param name="ClassNames">What the label values 0, 1, 2… mean.</param>
/// <param name="ShippedFolder">Its folder under Data/files when the project ships it; null otherwise.</param>
/// <param name="Download">How to fetch it when no local copy exists; null for shipped data.</param>
public sealed record KnownDataset(string Name, string Summary, IReadOnlyList<string> ClassNames, string? ShippedFolder, DownloadableDataset? Download)
{
    public static readonly KnownDataset Mnist = new("mnist",
        "10,000 MNIST handwritten digits shipped with the project (8000 train / 2000 test, 28×28)",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], "mnist-10k", null);

    public static readonly KnownDataset FashionMnist = new("fashion-mnist",
        "Zalando's Fashion-MNIST, 60,000 train / 10,000 test clothing images, 28×28",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        null, FashionMnistSource.Definition);
}
