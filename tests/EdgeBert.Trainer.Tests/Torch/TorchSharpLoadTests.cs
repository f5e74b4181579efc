using TorchSharp;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch;

/// <summary>
/// TorchSharp's natives load on this machine (on Debian 12 only after scripts/torchsharp-fix.sh
/// has patched the bridge in the build output) and compute: a matrix product against a
/// hand-computed one, and autograd through it against the closed-form gradient.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchSharpLoadTests
{
    [Test]
    public void LibTorchLoadsAndReportsItsVersion()
    {
        Assert.That(torch.__version__, Does.StartWith("2.10"), "LibTorch 2.10 (TorchSharp 0.107.0)");
    }

    [Test]
    public void MatMulAndAutogradComputeTheClosedForm()
    {
        using var scope = torch.NewDisposeScope();
        // y = sum((A·x)²) with A = [[1, 2], [3, 4]], x = [1, -1]: A·x = [-1, -1], y = 2,
        // dy/dx = 2·Aᵀ·(A·x) = 2·[1·-1 + 3·-1, 2·-1 + 4·-1] = [-8, -12].
        Tensor a = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        Tensor x = torch.tensor(new float[] { 1, -1 }, requires_grad: true);
        Tensor ax = torch.matmul(a, x);
        Tensor y = ax.pow(2).sum();
        y.backward();

        Assert.That(ax.data<float>().ToArray(), Is.EqualTo(new float[] { -1, -1 }));
        Assert.That(y.item<float>(), Is.EqualTo(2f));
        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(new float[] { -8, -12 }));
    }
}
