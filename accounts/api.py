from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from carbonexia.common.api import validated

from . import services
from .forms import LoginForm


class RegisterIn(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class UserOut(serializers.Serializer):
    user_id = serializers.UUIDField(source="id")
    email = serializers.EmailField()
    role = serializers.CharField()


class MeOut(UserOut):
    full_name = serializers.CharField()


class LoginIn(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class RefreshIn(serializers.Serializer):
    refresh_token = serializers.CharField()


class TokensOut(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField(default="bearer")
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


def _tokens(access: str, refresh: str) -> dict:
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": int(settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
    }


class RegisterView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=RegisterIn,
        responses={201: UserOut, 409: OpenApiResponse(description="An account with this email already exists.")},
        summary="Create a facility manager account",
    )
    def post(self, request):
        user = services.user_register(**validated(RegisterIn, request.data))
        return Response(UserOut(user).data, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=LoginIn,
        responses={200: TokensOut, 401: OpenApiResponse(description="The email or password is wrong.")},
        summary="Exchange email and password for tokens",
    )
    def post(self, request):
        data = validated(LoginIn, request.data)
        form = LoginForm(request, data={"username": data["email"], "password": data["password"]})
        if not form.is_valid():
            if form.retry_after is not None:
                raise Throttled(wait=form.retry_after, detail="Too many failed logins; try again later.")
            raise AuthenticationFailed("The email or password is wrong.")
        refresh = services.refresh_token_issue(user=form.get_user())
        return Response(_tokens(str(refresh.access_token), str(refresh)))


class RefreshView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=RefreshIn,
        responses={
            200: TokensOut,
            401: OpenApiResponse(description="The refresh token is invalid, expired or already used."),
        },
        summary="Rotate the refresh token; using an old one again ends the whole session",
    )
    def post(self, request):
        data = validated(RefreshIn, request.data)
        refresh = services.refresh_token_rotate(token=data["refresh_token"])
        return Response(_tokens(str(refresh.access_token), str(refresh)))


class LogoutView(APIView):
    @extend_schema(request=RefreshIn, responses={204: None}, summary="End a session: every refresh token of it dies")
    def post(self, request):
        data = validated(RefreshIn, request.data)
        services.refresh_token_revoke(user=request.user, token=data["refresh_token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses={200: MeOut}, summary="The caller's account")
    def get(self, request):
        return Response(MeOut(request.user).data)
